"""gunicorn settings for banns, read from the folder gunicorn starts in (or ``gunicorn -c gunicorn.conf.py``):

    BANNS_INSTANCE=/srv/banns/instance .venv/bin/gunicorn --workers 4 --bind 127.0.0.1:8000 "web:create_app()"

Tokens never reach the access log: invitation, password-reset and sign-off links carry their token in the
query string, and the log format has the path without it (``%(U)s``, never ``%(r)s`` or ``%(q)s``) and no
referrer (a page opened from such a link is the referrer of everything it loads). :class:`TokenSafeLogger`
strips query strings from those atoms too, should a deployment pass its own ``--access-logformat``.
"""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

#: who, when, "METHOD /path PROTOCOL", status, bytes, milliseconds, user agent
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
accesslog = "-"

_QUERY = re.compile(r"\?[^\s\"]*")
#: invitation links of the old form held the token in the path
_OLD_LINK = re.compile(r"(/invitation/)[^\s/?\"]+")


class TokenSafeLogger(Logger):
    """gunicorn's logger, with the query string (and an old-form invitation token) cut from every atom that
    could hold one."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for name in ("r", "U", "f", "{referer}i"):
            if isinstance(atoms.get(name), str):
                atoms[name] = _OLD_LINK.sub(r"\1-", _QUERY.sub("", atoms[name]))
        atoms["q"] = "-"
        return atoms


logger_class = TokenSafeLogger
