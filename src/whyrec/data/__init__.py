"""Data: read files, validate them, and build the in-memory ``Dataset``.

>>> from whyrec.data import load_dataset
>>> data = load_dataset("demo")  # doctest: +SKIP
"""

from whyrec.data.dataset import Dataset, ValidationReport
from whyrec.data.frames import dataset_from_frames
from whyrec.data.load import demo_path, load_dataset
from whyrec.data.movielens import load_movielens
from whyrec.data.readers import read_table

__all__ = [
    "Dataset",
    "ValidationReport",
    "dataset_from_frames",
    "demo_path",
    "load_dataset",
    "load_movielens",
    "read_table",
]
