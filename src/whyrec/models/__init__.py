"""Recommenders behind one interface (fit / recommend / save / load)."""

from whyrec.models.base import Recommender
from whyrec.models.registry import algorithms, create, get_algorithm

__all__ = ["Recommender", "algorithms", "create", "get_algorithm"]
