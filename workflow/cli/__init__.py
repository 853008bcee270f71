"""The `banns` command: a client of the engine and its plug-ins, as the web UI is."""
