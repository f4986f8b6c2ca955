"""Recommenders behind one interface (fit / recommend / save / load)."""

from whyrec.recommend.base import Recommender
from whyrec.recommend.registry import algorithms, create, get_algorithm

__all__ = ["Recommender", "algorithms", "create", "get_algorithm"]
