"""Training facts that live away from the model: a trainer class holding the optimizer,
a config class, a custom batch iterator, `tf.data` batching, Lightning's Trainer and
`configure_optimizers`, Hugging Face `TrainingArguments`; and notebooks whose model is
written by `%%writefile` or redefined in a later cell."""

from __future__ import annotations

from typing import Any

from extract_helpers import extract, find_model, fixture, layer_types


def facts(model: dict[str, Any]) -> dict[str, Any]:
    return {k: v["value"] for k, v in model["hyperparameters"].items()}


def test_trainer_class_config_class_and_batch_iterator() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "TextCNN")
    # one convolution per configured filter size
    assert layer_types(model) == ["Embedding", "Conv2D", "Activation", "Conv2D", "Activation",
                                  "Conv2D", "Activation", "MaxPool1D", "MaxPool1D",
                                  "MaxPool1D", "Concatenate", "Dense"]
    assert [layer["args"]["kernel_size"] for layer in model["layers"][1:6:2]] == [
        [2, 100], [3, 100], [4, 100]]
    assert facts(model) == {"batch_size": 32, "epochs": 7, "learning_rate": 0.001,
                            "loss": "cross_entropy", "optimizer": "adam"}
    assert model["hyperparameters"]["batch_size"]["how"] == "config"


def test_tf_data_batch_and_early_stopping() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "model", "tfdata_keras.py")
    assert facts(model) == {"batch_size": 48, "early_stopping": True, "epochs": 6,
                            "loss": "binary_cross_entropy", "optimizer": "adam"}


def test_lightning_module_and_trainer() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "Lit")
    assert facts(model) == {"batch_size": 16, "epochs": 12, "gradient_clipping": 1.0,
                            "learning_rate": 0.0003, "loss": "cross_entropy",
                            "optimizer": "adamw", "weight_decay": 0.01}


def test_hugging_face_training_arguments() -> None:
    model = find_model(extract(fixture("training_elsewhere")), "model", "hf_trainer.py")
    assert layer_types(model) == ["Pretrained"]
    assert facts(model) == {"batch_size": 16, "epochs": 3, "learning_rate": 2e-05,
                            "lr_scheduler": "linear", "weight_decay": 0.01}


def test_writefile_cell_is_a_module_the_notebook_trains() -> None:
    data = extract(fixture("notebook_cells"))
    model = find_model(data, "Net", "writefile.ipynb")
    assert (model["cell"], model["span"]) == (1, [4, 11])
    assert layer_types(model) == ["Flatten", "Dense", "Activation", "Dense"]
    assert facts(model) == {"epochs": 4, "learning_rate": 0.05, "optimizer": "sgd"}


def test_the_definition_in_force_when_training_runs_wins() -> None:
    data = extract(fixture("notebook_cells"))
    [model] = [m for m in data["models"] if m["file"] == "redefined.ipynb"]
    assert model["cell"] == 2 and model["layers"][0]["args"]["units"] == 20
    assert facts(model) == {"epochs": 2, "learning_rate": 0.01, "optimizer": "adam"}
