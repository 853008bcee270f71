"""Partnership records kept beside the lifecycle: the RAID log (risks, assumptions, issues, dependencies).
A plug-in above the engine: every change goes through the engine's unit of work."""
