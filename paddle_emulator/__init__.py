"""A local stand-in for Paddle's API, used by every test and the demo instead of the internet."""

from .app import DEFAULT_PERMISSIONS, Emulator, RecordedRequest
from .server import EmulatorServer, serve

__all__ = ["DEFAULT_PERMISSIONS", "Emulator", "EmulatorServer", "RecordedRequest", "serve"]
