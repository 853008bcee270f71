"""Money in a partnership programme: the business case, how costs and savings are shared, the pre-nuptial
agreement (what a leaver owes), results (payback, NPV, sensitivity) and benefits realisation.

Pure calculations live in :mod:`.years`, :mod:`.sharing`, :mod:`.case`, :mod:`.results`, :mod:`.prenup` and
:mod:`.benefits` (no database); :mod:`.service` is the public face (one transaction per use case);
:mod:`.listener` records a leaver's liability in the engine's event log. Amounts are ``Decimal`` pounds and
pence throughout.
"""
