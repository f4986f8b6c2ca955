"""Follow-up questions about a recommendation, answered from its evidence."""

from whyrec.chat.answers import Answer, Conversation
from whyrec.chat.intents import Intent, classify

__all__ = ["Answer", "Conversation", "Intent", "classify"]
