"""A programme's gate and the moves: evidence and its documents, sign-off requests and decisions, deputies who decide
for signatories, partners' own democratic decisions, and the check-your-answers pages before consequential moves."""
