"""Errors: every error a user can cause is a ``WhyrecError`` with a one-line message."""

from __future__ import annotations


class WhyrecError(Exception):
    """Base class for every error whyrec raises on purpose (user mistakes, bad data)."""


class DataError(WhyrecError):
    """Input data cannot be read or fails validation."""


class ValidationError(DataError):
    """One or more validation problems; ``problems`` holds one message per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        if len(self.problems) == 1:
            message = self.problems[0]
        else:
            message = f"{len(self.problems)} problems: " + "; ".join(self.problems)
        super().__init__(message)


class UnknownUserError(WhyrecError):
    """The user id is not in the data the model was trained on."""

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id
        super().__init__(
            f"unknown user {user_id!r}: not in the training data "
            "(pass the user's recent items as history to recommend for a new user)"
        )


class UnknownItemError(WhyrecError):
    """The item id is not in the catalog."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        super().__init__(f"unknown item {item_id!r}: not in the catalog")


class ModelError(WhyrecError):
    """A model cannot be trained, saved or loaded (not fitted, wrong file, wrong version)."""


class ConfigError(WhyrecError):
    """An option or setting has an invalid value."""


class StoreError(WhyrecError):
    """The feedback / cache store cannot be opened, migrated or written."""


class FeedbackError(WhyrecError):
    """Feedback input is refused (unknown explanation, unknown kind, oversized text); nothing
    is stored."""


class PrivacyError(WhyrecError):
    """Refused to protect people's data: a non-local backend under ``local_only``, a spent
    differential-privacy budget, an input over its size limit, a path outside its folder."""


class PrivacyBudgetError(PrivacyError):
    """The dataset's differential-privacy budget (epsilon) cannot pay for more statistics."""


class InputLimitError(PrivacyError):
    """An input (file, question, comment) is larger than whyrec accepts."""


#: why a file in another encoding cannot be read, and what to do (every reader says the same)
NOT_UTF8 = "it is not UTF-8 text (save it with UTF-8 encoding)"
