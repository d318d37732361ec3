"""CSVLogger: header and rows, separator, append, values that are arrays or text."""

import pathlib

import numpy as np
import pytest

from lamina.callbacks import CSVLogger

LOGS = [{"loss": 1.0, "acc": 0.5}, {"loss": 0.5, "acc": 0.75}]


def test_header_rows_and_val_columns(tmp_path, model, run):
    path = tmp_path / "log.csv"
    logger = CSVLogger(path)
    run([logger], model, LOGS)
    assert path.read_text() == (
        "epoch,acc,loss,val_acc,val_loss\n0,0.5,1.0,NA,NA\n1,0.75,0.5,NA,NA\n"
    )
    assert logger.csv_file.closed


def test_existing_val_columns_are_kept_as_they_are(tmp_path, model, run):
    path = tmp_path / "log.csv"
    run([CSVLogger(str(path), separator=";")], model, [{"loss": 1, "val_loss": 2}, {"loss": 3}])
    assert path.read_text() == "epoch;loss;val_loss\n0;1.0;2.0\n1;3.0;NA\n"


def test_append_adds_rows_without_a_second_header(tmp_path, model, run):
    path = tmp_path / "log.csv"
    run([CSVLogger(path)], model, LOGS[:1])
    run([CSVLogger(path, append=True)], model, LOGS[1:])
    assert path.read_text().splitlines() == [
        "epoch,acc,loss,val_acc,val_loss",
        "0,0.5,1.0,NA,NA",
        "0,0.75,0.5,NA,NA",
    ]


def test_append_to_an_empty_or_missing_file_writes_the_header(tmp_path, model, run):
    for path in (tmp_path / "missing.csv", tmp_path / "empty.csv"):
        if path.name == "empty.csv":
            path.write_text("")
        run([CSVLogger(path, append=True)], model, LOGS[:1])
        assert path.read_text().splitlines()[0] == "epoch,acc,loss,val_acc,val_loss"


def test_overwrite_without_append(tmp_path, model, run):
    path = tmp_path / "log.csv"
    path.write_text("old content\n")
    run([CSVLogger(path)], model, LOGS[:1])
    assert "old" not in path.read_text()


def test_arrays_and_text_values(tmp_path, model, run):
    path = tmp_path / "log.csv"
    logs = [{"vec": np.array([1.0, 2.0]), "name": "a,b", "zero_d": np.array(3.0)}]
    run([CSVLogger(path)], model, logs)
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch,name,vec,zero_d,val_name,val_vec,val_zero_d"
    # Arrays become a quoted "[1.0, 2.0]", whose quotes the csv module doubles.
    assert lines[1] == '0,"a,b","""[1.0, 2.0]""",3.0,NA,NA,NA'


def test_filename_must_be_a_path():
    with pytest.raises(TypeError, match="CSVLogger: `filename` must be a str or a path-like"):
        CSVLogger(3)
    assert CSVLogger(pathlib.Path("x.csv")).filename == "x.csv"
