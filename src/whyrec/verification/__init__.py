"""Checks that an explanation states nothing its evidence does not back."""

from whyrec.verification.support import Support
from whyrec.verification.verifier import Verifier
from whyrec.verification.vocabulary import Vocabulary, dataset_vocabulary

__all__ = ["Support", "Verifier", "Vocabulary", "dataset_vocabulary"]
