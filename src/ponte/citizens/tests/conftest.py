from ponte.citizens.testing import federation, spid_city  # noqa: F401
