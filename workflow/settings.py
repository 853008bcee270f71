"""Settings: defaults, then ``instance/banns.toml``, then ``BANNS_*`` environment variables, parsed and
checked once at start-up (pydantic-settings), so that ``BANNS_SESSION_COOKIE_SECURE=false`` means false and
``BANNS_MAIL_MAX_ATTEMPTS=ten`` stops the command line or the web app at once, naming the setting.

The web app reads the same settings (as Flask config), so the command line, the scheduler and the web server
agree on the database, the definitions folder and the secret key. Keys banns does not know are passed on as
given (Flask's own settings, say).
"""

from __future__ import annotations

import contextvars
import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

from .engine.errors import N_, BannsError, InvalidError, Lines, Word, english
from .engine.yamlsource import EXPECTED

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_NAME = "banns.toml"
PREFIX = "BANNS_"
#: ``BANNS_*`` variables that choose the instance or the tests' database rather than set a setting.
NOT_SETTINGS = frozenset({"BANNS_INSTANCE", "BANNS_TEST_DATABASE_URL"})


class SettingsError(InvalidError):
    """A setting in ``banns.toml`` or a ``BANNS_*`` variable is wrong; the message names each one (``problems``:
    a :class:`WrongSettingError` each, on a line of its own)."""


class WrongSettingError(BannsError):
    """One wrong setting, named, and what was expected of it: a line of a :class:`SettingsError`."""


class _Refused(ValueError):
    """A validator's refusal of a setting: a msgid and its values (pydantic hands it on in the error's
    context), rendered as a :class:`WrongSettingError`."""

    def __init__(self, message: str, /, **values: Any) -> None:
        self.message, self.values = message, values
        super().__init__(english(message, values))


@dataclass(frozen=True)
class Settings:
    instance: Path
    database_url: str
    definitions_dir: Path
    secret_key: str | None
    #: Every setting given, by name: those banns knows parsed to their type, others as given.
    values: Mapping[str, Any] = field(default_factory=dict)
    #: Single sign-on: the identity providers of ``[[sso.providers]]`` (none: passwords only).
    sso: SsoSettings = field(default_factory=lambda: SsoSettings())

    @property
    def config_file(self) -> Path:
        return self.instance / CONFIG_NAME


def _lower(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


Seconds = Annotated[float, Field(gt=0)]
Count = Annotated[int, Field(ge=1)]
#: Signing algorithms an ID token may use: asymmetric only, so that no client secret can sign one.
SigningAlgorithm = Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
#: Where a multi-tenant issuer (Microsoft Entra ID) puts the tenant: ``https://.../{tenantid}/v2.0``.
TENANT_PLACEHOLDER = "{tenantid}"
_RS256: list[SigningAlgorithm] = ["RS256"]
#: GOV.UK Notify: an API key is its name, the service id and the secret (two UUIDs); a template id is a UUID.
_UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
UUID = f"^{_UUID}$"
NOTIFY_KEY = f"^.+-{_UUID}-{_UUID}$"
_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)")


def _web_address(value: str) -> str:
    """An issuer or discovery address: https, or http on this machine only (a test or development provider)."""
    if not (value.startswith("https://") or _LOOPBACK.match(value)) or any(c.isspace() for c in value):
        raise _Refused(N_("must be an https:// address (http:// only on 127.0.0.1 or localhost)"))
    return value


def _domains(values: list[str]) -> list[str]:
    found = [v.strip().lower().removeprefix("@") for v in values]
    if any(not d or "@" in d or "." not in d or any(c.isspace() for c in d) for d in found):
        raise _Refused(N_("each must be an email domain, like northbridge.gov.uk"))
    return found


class SsoProvider(BaseModel):
    """One OpenID Connect identity provider (``[[sso.providers]]`` in ``banns.toml``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    title: Annotated[str, Field(min_length=1, max_length=100)]
    issuer: str
    #: default: the issuer's ``/.well-known/openid-configuration``
    discovery_url: str | None = None
    client_id: Annotated[str, Field(min_length=1)]
    #: or ``BANNS_SSO_<ID>_CLIENT_SECRET`` (the id in capitals, dashes as underscores)
    client_secret: Annotated[str, Field(min_length=1)]
    token_auth: Literal["client_secret_basic", "client_secret_post"] = "client_secret_basic"
    scopes: list[str] = Field(default_factory=lambda: ["openid", "email", "profile"])
    algorithms: Annotated[list[SigningAlgorithm], Field(min_length=1)] = Field(default_factory=lambda: list(_RS256))
    #: the claim that says the email is verified (Microsoft Entra ID: ``xms_edov``, an optional claim)
    email_verified_claim: Annotated[str, Field(min_length=1)] = "email_verified"
    #: tenant ids (the ``tid`` claim) whose people may sign in; required with a ``{tenantid}`` issuer
    allowed_tenants: list[str] = Field(default_factory=list)
    #: the email domains this provider may vouch for (empty: any)
    email_domains: list[str] = Field(default_factory=list)
    #: people of these domains sign in only here: no password sign-in
    passwords_off_domains: list[str] = Field(default_factory=list)
    #: people of these domains get an account at their first sign-in here, without an invitation
    allowed_domains: list[str] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _secret_from_environment(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("client_secret") and isinstance(data.get("id"), str):
            name = f"{PREFIX}SSO_{data['id'].upper().replace('-', '_')}_CLIENT_SECRET"
            if secret := _environment.get(os.environ).get(name):
                return {**data, "client_secret": secret}
        return data

    @field_validator("issuer", "discovery_url")
    @classmethod
    def _address(cls, value: str | None) -> str | None:
        return None if value is None else _web_address(value)

    @field_validator("allowed_tenants", "email_domains", "passwords_off_domains", "allowed_domains")
    @classmethod
    def _lists(cls, values: list[str], info: Any) -> list[str]:
        if info.field_name == "allowed_tenants":
            return [v.strip() for v in values]
        return _domains(values)

    @model_validator(mode="after")
    def _consistent(self) -> SsoProvider:
        if "openid" not in self.scopes:
            raise _Refused(N_("scopes must include openid"))
        if TENANT_PLACEHOLDER in self.issuer and not self.allowed_tenants:
            raise _Refused(
                N_("an issuer with {placeholder} (multi-tenant) needs allowed_tenants"), placeholder=TENANT_PLACEHOLDER
            )
        served = set(self.email_domains)
        if served and not served.issuperset(self.passwords_off_domains + self.allowed_domains):
            raise _Refused(N_("passwords_off_domains and allowed_domains must be among email_domains"))
        return self

    @property
    def discovery(self) -> str:
        """Where the provider's discovery document is."""
        base = self.issuer.replace(TENANT_PLACEHOLDER, "organizations").rstrip("/")
        return self.discovery_url or f"{base}/.well-known/openid-configuration"


class SsoSettings(BaseModel):
    """``[sso]``: the identity providers people may sign in with, beside (or instead of) passwords."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    providers: list[SsoProvider] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique(self) -> SsoSettings:
        ids = [p.id for p in self.providers]
        if len(set(ids)) != len(ids):
            raise _Refused(N_("two providers have the same id"))
        off = [d for p in self.providers for d in p.passwords_off_domains]
        if len(set(off)) != len(off):
            raise _Refused(N_("a domain is in the passwords_off_domains of two providers"))
        return self

    def provider(self, provider_id: str) -> SsoProvider | None:
        return next((p for p in self.providers if p.id == provider_id), None)


class Configured(BaseSettings):
    """The settings banns knows, with their types; none is required (unset ones keep their defaults)."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, case_sensitive=True, env_ignore_empty=True, extra="allow", validate_default=False
    )

    SECRET_KEY: Annotated[str, Field(min_length=1)] | None = None
    DATABASE_URL: Annotated[str, Field(min_length=1)] | None = None
    DEFINITIONS_DIR: Path | None = None
    SMTP_HOST: str | None = None
    SMTP_PORT: Annotated[int, Field(ge=1, le=65535)] | None = None
    SMTP_SECURITY: Annotated[Literal["none", "starttls", "tls"], BeforeValidator(_lower)] = "starttls"
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_TIMEOUT: Seconds = 30.0
    MAIL_FROM: str = "banns <banns@localhost>"
    BASE_URL: Annotated[str, Field(pattern=r"^https?://[^\s]+$")] = "http://localhost:5000"
    TOKEN_MAX_AGE_DAYS: Seconds = 14.0
    MAIL_MAX_ATTEMPTS: Count = 8
    MAIL_RETRY_SECONDS: Seconds = 60.0
    MAIL_RETRY_CAP_SECONDS: Seconds = 6 * 3600.0
    MAIL_LEASE_SECONDS: Seconds = 300.0
    MAIL_BATCH: Count = 50
    SCHEDULER_SCAN_MINUTES: Seconds = 5.0
    SCHEDULER_RELAY_SECONDS: Seconds = 30.0
    SESSION_COOKIE_SECURE: bool = False
    PROXY_COUNT: Annotated[int, Field(ge=0, le=20)] = 0
    PORTFOLIO_PAGE_SIZE: Annotated[int, Field(ge=1, le=1000)] = 25
    MAIL_PAGE_SIZE: Annotated[int, Field(ge=1, le=1000)] = 50
    MAX_CONTENT_LENGTH: Count = 2 * 1024 * 1024
    DEVELOPMENT: bool = False
    # --- GOV.UK Notify (workflow/reminders/notify.py): with an API key, mail goes through Notify, not SMTP ---
    NOTIFY_API_KEY: Annotated[str, Field(pattern=NOTIFY_KEY)] | None = None
    #: the one generic email template: subject ``((subject))``, message ``((body))``
    NOTIFY_TEMPLATE_ID: Annotated[str, Field(pattern=UUID)] | None = None
    NOTIFY_BASE_URL: Annotated[str, AfterValidator(_web_address)] = "https://api.notifications.service.gov.uk"
    NOTIFY_TIMEOUT: Seconds = 30.0
    #: the bearer token Notify sends with each delivery receipt (set it as the callback's token in Notify)
    NOTIFY_CALLBACK_TOKEN: Annotated[str, Field(min_length=16)] | None = None
    # --- end GOV.UK Notify ---
    #: a TOML table (``[[sso.providers]]``), hence in lower case like its keys
    sso: SsoSettings = Field(default_factory=SsoSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The environment (the mapping :func:`load_settings` was given) wins over the file (init values)."""
        return (_Environment(settings_cls), init_settings)

    @model_validator(mode="after")
    def _notify_template(self) -> Configured:
        if self.NOTIFY_API_KEY and not self.NOTIFY_TEMPLATE_ID:
            raise _Refused(N_("NOTIFY_API_KEY is set, so NOTIFY_TEMPLATE_ID is needed: the id of the generic template"))
        return self


_environment: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar("banns_environment")


class _Environment(EnvSettingsSource):
    """``BANNS_*`` variables from the mapping :func:`load_settings` was given, not necessarily ``os.environ``;
    an empty variable counts as unset."""

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {k: v for k, v in _environment.get(os.environ).items() if k not in NOT_SETTINGS and v != ""}


def default_instance(env: Mapping[str, str] = os.environ) -> Path:
    """``BANNS_INSTANCE``, else ``instance/`` in the current folder."""
    return Path(env.get("BANNS_INSTANCE") or Path.cwd() / "instance").resolve()


def load_settings(instance: Path | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Read and check the settings for ``instance`` (default: :func:`default_instance`).

    Raises:
        SettingsError: the config file is not valid TOML, or a setting is not of its type (each is named:
            the variable, or the file and key).
    """
    instance = (instance or default_instance(env)).resolve()
    path = instance / CONFIG_NAME
    given = _read_file(path)
    token = _environment.set(env)
    try:
        configured = Configured(**given)
    except ValidationError as exc:
        problems = Lines(_problems(exc, path, env))
        raise SettingsError(N_("{problems}"), field=_first_field(exc), problems=problems) from None
    finally:
        _environment.reset(token)
    known = Configured.model_fields
    raw_env = {
        k.removeprefix(PREFIX): v
        for k, v in env.items()
        if k.startswith(PREFIX) and k not in NOT_SETTINGS and k.removeprefix(PREFIX) not in known
    }
    values = {**given, **raw_env, **configured.model_dump(exclude_unset=True)}
    database_url = configured.DATABASE_URL or f"sqlite:///{instance / 'banns.sqlite3'}"
    definitions = configured.DEFINITIONS_DIR or PROJECT_ROOT / "definitions"
    if not definitions.is_absolute():
        definitions = (instance.parent / definitions).resolve()
    return Settings(instance, database_url, definitions, configured.SECRET_KEY, values, configured.sso)


def _read_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(N_("{path}: not valid TOML: {detail}"), path=str(path), detail=str(exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(N_("{path}: cannot be read: {detail}"), path=str(path), detail=str(exc)) from None


def _problems(exc: ValidationError, path: Path, env: Mapping[str, str]) -> list[WrongSettingError]:
    """One per wrong setting, naming where it was given and what was expected."""
    lines = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "?"
        where = f"{PREFIX}{name}" if f"{PREFIX}{name}" in env else f"{path}: {_dotted(err['loc'])}"
        if err["type"] == "missing":
            lines.append(WrongSettingError(N_("{where} is missing"), where=where))
        elif err["type"] == "value_error":
            lines.append(WrongSettingError(N_("{where} is not valid: {reason}"), where=where, reason=_refusal(err)))
        else:
            hidden = any(w in str(err["loc"]).upper() for w in ("SECRET", "PASSWORD", "API_KEY", "CALLBACK_TOKEN"))
            shown = Word(N_("(hidden)")) if hidden or isinstance(err["input"], dict) else repr(err["input"])
            message = N_("{where} = {shown} is not valid: expected {expected}")
            lines.append(WrongSettingError(message, where=where, shown=shown, expected=_expected(err, name)))
    return lines


def _refusal(err: Any) -> WrongSettingError | str:
    """Why a validator refused a setting: its words, or (from elsewhere) its text."""
    found = err.get("ctx", {}).get("error", err["msg"])
    return WrongSettingError(found.message, **found.values) if isinstance(found, _Refused) else str(found)


def _expected(err: Any, name: str) -> WrongSettingError | str:
    """What a setting should have been, in plain words (filled from the error's context); else pydantic's."""
    phrase = EXPECTED.get(err["type"])
    if err["type"] == "string_pattern_mismatch" and name == "BASE_URL":
        phrase = N_("a web address starting http:// or https://")
    if phrase:
        return WrongSettingError(phrase, **err.get("ctx", {}))
    return str(err["msg"][:1].lower() + err["msg"][1:])


def _dotted(loc: tuple[int | str, ...]) -> str:
    """Where a setting is in the file: ``sso.providers[0].client_id``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "?"


def _first_field(exc: ValidationError) -> str | None:
    errors = exc.errors()
    return str(errors[0]["loc"][0]) if errors and errors[0]["loc"] else None


def write_instance_config(instance: Path) -> tuple[Path, bool]:
    """Create the instance folder (owner only, if new) and a config with a fresh secret key, readable by its
    owner only from the moment it exists; keep an existing config.

    Returns the config path and whether it was written now.
    """
    if not instance.exists():
        instance.mkdir(parents=True, mode=0o700)
        instance.chmod(0o700)  # mkdir's mode is narrowed by the umask, never widened: make it exact
    path = instance / CONFIG_NAME
    text = (
        "# banns instance configuration; generated by `banns init`. Keep it private: it holds the secret key.\n"
        f'SECRET_KEY = "{secrets.token_urlsafe(48)}"\n'
        '# DATABASE_URL = "postgresql://user@127.0.0.1:5432/banns"   # default: SQLite in this folder\n'
        '# DEFINITIONS_DIR = "definitions"\n'
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path, False
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    return path, True
