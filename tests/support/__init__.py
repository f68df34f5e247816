"""What tests share besides fixtures: personas, journey steps, stand-ins and the production harness.

conftest.py files hold only fixtures (and hooks); they build on these modules, and so do test
modules and bench/. Nothing here depends on a conftest or on bench/.
"""
