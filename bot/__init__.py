"""gridbot core: configuration, database, message model, router, channels and CLI."""

__version__ = "0.1.0"
