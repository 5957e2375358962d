"""The secret key's strength, checked by the settings before anything starts (issue 14).

Django signs sessions, password-reset links and messages with SECRET_KEY: a short or well-known
key lets anyone forge them. The rule is Django's own (`check --deploy`, W009): at least 50
characters, at least 5 different ones, not a generated development key (`django-insecure-…`)."""

MIN_LENGTH, MIN_UNIQUE = 50, 5
GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
KNOWN_WEAK = {"x", "changeme", "change-me", "secret", "secret-key", "insecure", "development", "dev"}


def secret_key_problem(key: str) -> str | None:
    """Why `key` is unfit for production, or None when it is fine."""
    if not key:
        return "SECRET_KEY must be set when DEBUG is off."
    if key.strip().lower() in KNOWN_WEAK or key.startswith("django-insecure"):
        return f"SECRET_KEY is a known default: generate one ({GENERATE})."
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE:
        return (
            f"SECRET_KEY is too weak: it needs at least {MIN_LENGTH} characters, {MIN_UNIQUE} of them different "
            f"({GENERATE})."
        )
    return None
