"""Checks that an explanation states nothing its evidence does not back."""

from whyrec.verify.support import Support
from whyrec.verify.verifier import Verifier
from whyrec.verify.vocabulary import Vocabulary, dataset_vocabulary

__all__ = ["Support", "Verifier", "Vocabulary", "dataset_vocabulary"]
