"""The shapes of banns' data as others read it: pydantic models of programmes, gates, events and the rest,
read from the engine's frozen views (``from_attributes``). The JSON API (``web/api``) answers with them and
builds its OpenAPI description from them; the command line's ``--json`` prints the same shapes, so a script
written against one reads the other. They add no rule: what they show is what the engine's views say.
"""
