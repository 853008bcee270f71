"""Forms of a person's own account: a forgotten password, a new one through a reset link, changing it. Every
one carries a CSRF token (Flask-WTF); buttons without fields (sign out everywhere, admin rights) carry the
token in their template and are checked by CSRFProtect."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email
from wtforms.validators import ValidationError as WTFValidationError

from web.forms import FlaskForm, Length


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(_l("Enter an email address in the correct format, like name@example.org")),
            Length(max=320),
        ],
    )


class ResetPasswordForm(FlaskForm):
    """A new password through a reset link, typed twice."""

    password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password"))])
    confirm = PasswordField(_l("Confirm new password"), validators=[DataRequired(_l("Confirm your new password"))])

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise WTFValidationError(_l("Passwords must match"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(_l("Enter your current password"))]
    )
    new_password = PasswordField(_l("New password"), validators=[DataRequired(_l("Enter a new password"))])
    confirm = PasswordField(_l("Confirm new password"), validators=[DataRequired(_l("Confirm your new password"))])

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.new_password.data:
            raise WTFValidationError(_l("Passwords must match"))


__all__ = ["ChangePasswordForm", "ForgotPasswordForm", "ResetPasswordForm"]


class ConfirmForm(FlaskForm):
    """A confirmation with nothing to fill in (a check-your-answers page's button): only its CSRF token."""
