"""Feedback on explanations and the preferences it teaches: shorter, plainer, which reasons
matter, which items to show less of."""

from whyrec.feedback.events import (
    ASPECTS,
    KINDS,
    FeedbackEvent,
    feedback_for,
    get_explanation,
    record_explanation,
    record_feedback,
)
from whyrec.feedback.preferences import Preferences, preferences_for, reset_preferences

__all__ = ["ASPECTS", "KINDS", "FeedbackEvent", "Preferences", "feedback_for", "get_explanation",
           "preferences_for", "record_explanation", "record_feedback", "reset_preferences"]
