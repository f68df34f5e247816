"""`python -m paddle_emulator --help`."""

from .cli import main

main()
