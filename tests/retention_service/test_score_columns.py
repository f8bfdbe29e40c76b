"""The one list of score columns (`SCORE_RUN_COLUMNS` + `SCORE_COLUMNS`) is the model's."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import models

from clientela.retention.models import (
    SCORE_COLUMNS,
    SCORE_RUN_COLUMNS,
    CustomerScore,
    ScoreKind,
    Segment,
)
from clientela.retention.services.score_insert import ScoreChunk

# What each kind of column may be in the model.
FIELDS = {
    ScoreKind.INTEGER: (models.IntegerField, models.ForeignKey),
    ScoreKind.SMALL: (models.PositiveSmallIntegerField,),
    ScoreKind.FLOAT: (models.FloatField,),
    ScoreKind.SEGMENT: (models.CharField,),
    ScoreKind.MONEY: (models.DecimalField,),
    ScoreKind.DAY: (models.DateField,),
}


def _model_columns() -> list[models.Field]:
    return [f for f in CustomerScore._meta.concrete_fields if not f.primary_key]


def test_the_list_names_every_column_of_the_model_once_and_nothing_else():
    listed = [*SCORE_RUN_COLUMNS, *(c.name for c in SCORE_COLUMNS)]
    assert len(listed) == len(set(listed))
    assert sorted(listed) == sorted(f.column for f in _model_columns())


def test_each_score_column_is_of_the_kind_its_field_holds():
    fields = {f.column: f for f in _model_columns()}
    for column in SCORE_COLUMNS:
        field = fields[column.name]
        assert isinstance(field, FIELDS[column.kind]), column
        # NULL only where the list says the writer may leave it (NaN or no fitted model).
        assert field.null == (column.kind is ScoreKind.FLOAT), column
    segment = fields["segment"]
    assert segment.choices == Segment.choices
    assert all(c.kind is not ScoreKind.SEGMENT or c.name == "segment" for c in SCORE_COLUMNS)


def _chunk(**columns: np.ndarray | None) -> ScoreChunk:
    run = dict.fromkeys(SCORE_RUN_COLUMNS)
    return ScoreChunk(run=run, columns=columns)


def test_a_chunk_without_a_listed_column_or_with_an_unlisted_one_is_refused():
    full = {c.name: np.zeros(1) for c in SCORE_COLUMNS}
    assert _chunk(**full).size == 1
    short = {name: values for name, values in full.items() if name != "clv"}
    with pytest.raises(ValueError, match="score columns"):
        _chunk(**short)
    with pytest.raises(ValueError, match="score columns"):
        _chunk(**full, loyalty=np.zeros(1))
    with pytest.raises(ValueError, match="run columns"):
        ScoreChunk(run={"run_id": 1}, columns=full)
