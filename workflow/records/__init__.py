"""Partnership records: plug-ins above the engine that keep what a partnership agrees outside its gates."""
