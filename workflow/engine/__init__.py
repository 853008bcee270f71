"""The engine core: lifecycle definitions, the state machine, gates, the unit of work, programmes and their
views. It imports no plug-in (money, reminders, accounts) and no presentation: they reach it through the hooks
it declares (listeners, figure checks, portfolio columns)."""
