"""Reminders and email: the transactional outbox, the reminder scan, delivery, approve-from-email tokens,
mail preferences and calendar feeds, and the scheduler process that runs the scan and the relay. What the
emails say is in ``templates/`` (Jinja2, one file per kind of email: see its README).

Entry points for the rest of banns:

- ``outbox.on_event``: the listener (``banns.listeners``) that writes the emails a change causes;
- ``outbox.queue_invitation(session, person, link, now)`` and ``outbox.queue_password_reset``: the account
  mailers (``banns.account_mail``: ``invitation``, ``password_reset``);
- ``scan.scan(db, now)``, ``delivery.relay(db, transport, now)``, ``preferences.assemble_digests(db, now)``;
- ``tokens.check_token(db, token, now)`` for the sign-off page (``/sign?t=``);
- ``delivery.list_mail(db)`` and ``delivery.retry_failed(changes, message_id, actor)`` for Sent mail;
- ``preferences.set_preference``, ``feed_secret``, ``revoke_feed``, ``calendar_feed`` for personal settings;
- ``cli.scheduler``: the ``banns scheduler`` command (``banns.commands``).
"""
