"""Partnership records kept beside the lifecycle: what each partner has declared, decided and risked."""
