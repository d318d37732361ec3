"""The tf.keras guide "Customizing what happens in fit()" run with lamina.

The guide's code is kept as written, with `keras` and `tf` read as `lamina` (and the few
`tf.*` math functions as `lamina.ops`). Two substitutions: `"adam"` becomes `"sgd"` (Adam
lives in the `lamina-optim` plugin, not in core) and the GAN's convolutions become Dense
layers (convolutions live in `lamina-layers-conv`). Data is smaller so the tests are fast.
"""

import numpy as np
import pytest

import lamina
import lamina as keras
import lamina as tf
from lamina import ops


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    x = rng.random((256, 32)).astype("float32")
    y = (x[:, :1] * 2.0 + 0.5).astype("float32")
    return x, y


def _functional_layers():
    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1)(inputs)
    return inputs, outputs


def test_train_step_with_compute_loss_and_compiled_metrics(data):
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                loss = self.compute_loss(y=y, y_pred=y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    model = CustomModel(*_functional_layers())
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(*data, epochs=3, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_tf_keras_style_compiled_loss_and_compiled_metrics(data):
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply_gradients(zip(gradients, trainable_vars))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    inputs = keras.Input(shape=(32,))
    outputs = keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(1e-3))(inputs)
    model = CustomModel(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(*data, epochs=3, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    # The tracked loss includes the L2 penalty: it is larger than the plain MSE.
    x, y = data
    mse = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    assert model.evaluate(x, y, verbose=0)[0] > mse


def test_lower_level_loss_tracker_and_metrics_property(data):
    class CustomModel(keras.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.loss_tracker = keras.metrics.Mean(name="loss")
            self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)  # Forward pass
                loss = keras.losses.mean_squared_error(y, y_pred)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            self.loss_tracker.update_state(loss)
            self.mae_metric.update_state(y, y_pred)
            return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

        @property
        def metrics(self):
            # Listed here so that `reset_states()` is called on them at each epoch.
            return [self.loss_tracker, self.mae_metric]

    model = CustomModel(*_functional_layers())
    # The per-sample losses' gradients are summed (as with tf.GradientTape): a small
    # learning rate keeps plain SGD stable where the guide's Adam does not care.
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-3))
    history = model.fit(*data, epochs=2, verbose=0)
    assert sorted(history.history) == ["loss", "mae"]
    # Reset at each epoch: the tracker counts the last epoch's 256 per-sample losses only.
    assert float(model.loss_tracker.count.numpy()) == len(data[0])
    assert history.history["mae"][1] < history.history["mae"][0]


def test_sample_weight_unpacking_and_custom_test_step(data):
    class CustomModel(keras.Model):
        def train_step(self, data):
            x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
            trainable_vars = self.trainable_variables
            gradients = tape.gradient(loss, trainable_vars)
            self.optimizer.apply(gradients, trainable_vars)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
                else:
                    metric.update_state(y, y_pred, sample_weight=sample_weight)
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            loss = self.compute_loss(y=y, y_pred=y_pred)
            for metric in self.metrics:
                if metric.name != "loss":
                    metric.update_state(y, y_pred)
                else:
                    metric.update_state(loss)
            return {m.name: m.result() for m in self.metrics}

    x, y = data
    sw = np.random.default_rng(1).random((len(y), 1)).astype("float32")
    model = CustomModel(*_functional_layers())
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(x, y, sample_weight=sw, epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(result) == ["loss", "mae"]


@pytest.mark.without_plugin("lamina-optim")
def test_evaluate_only_model_compiled_with_the_default_optimizer(data):
    """compile() without an optimizer works without lamina-optim until training needs it."""
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=["mae"])
    assert len(model.evaluate(*data, verbose=0)) == 2
    with pytest.raises(lamina.plugins.PluginNotInstalledError, match=r"rmsprop.*sgd"):
        model.fit(*data, verbose=0)


def test_gan_with_two_optimizers_and_custom_compile():
    discriminator = keras.Sequential(
        [
            keras.Input(shape=(16,)),
            keras.layers.Dense(32),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(1),
        ],
        name="discriminator",
    )
    latent_dim = 8
    generator = keras.Sequential(
        [
            keras.Input(shape=(latent_dim,)),
            keras.layers.Dense(32),
            keras.layers.LeakyReLU(negative_slope=0.2),
            keras.layers.Dense(16, activation="sigmoid"),
        ],
        name="generator",
    )

    class GAN(keras.Model):
        def __init__(self, discriminator, generator, latent_dim):
            super().__init__()
            self.discriminator = discriminator
            self.generator = generator
            self.latent_dim = latent_dim
            self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
            self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
            self.seed_generator = keras.random.SeedGenerator(1337)

        @property
        def metrics(self):
            return [self.d_loss_tracker, self.g_loss_tracker]

        def compile(self, d_optimizer, g_optimizer, loss_fn):
            super().compile()
            self.d_optimizer = d_optimizer
            self.g_optimizer = g_optimizer
            self.loss_fn = loss_fn

        def train_step(self, real_images):
            if isinstance(real_images, tuple):
                real_images = real_images[0]
            # Sample random points in the latent space
            batch_size = ops.shape(real_images)[0]
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )
            # Decode them to fake images
            generated_images = self.generator(random_latent_vectors)
            # Combine them with real images
            combined_images = ops.concatenate([generated_images, real_images], axis=0)
            # Assemble labels discriminating real from fake images
            labels = ops.concatenate(
                [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
            )
            # Add random noise to the labels - important trick!
            labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
            # Train the discriminator
            with tf.GradientTape() as tape:
                predictions = self.discriminator(combined_images)
                d_loss = self.loss_fn(labels, predictions)
            grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
            self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
            # Sample random points in the latent space
            random_latent_vectors = keras.random.normal(
                shape=(batch_size, self.latent_dim), seed=self.seed_generator
            )
            # Assemble labels that say "all real images"
            misleading_labels = ops.zeros((batch_size, 1))
            # Train the generator (note that we should *not* update the weights
            # of the discriminator)!
            with tf.GradientTape() as tape:
                predictions = self.discriminator(self.generator(random_latent_vectors))
                g_loss = self.loss_fn(misleading_labels, predictions)
            grads = tape.gradient(g_loss, self.generator.trainable_weights)
            self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
            # Update metrics and return their value.
            self.d_loss_tracker.update_state(d_loss)
            self.g_loss_tracker.update_state(g_loss)
            return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

    all_digits = np.random.default_rng(2).random((96, 16)).astype("float32")
    dataset = lamina.data.Dataset.from_tensor_slices(all_digits)
    dataset = dataset.shuffle(buffer_size=1024).batch(32)
    gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
    gan.compile(
        d_optimizer=keras.optimizers.SGD(learning_rate=0.01),
        g_optimizer=keras.optimizers.SGD(learning_rate=0.01),
        loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
    )
    d_before = [w.copy() for w in discriminator.get_weights()]
    g_before = [w.copy() for w in generator.get_weights()]
    history = gan.fit(dataset.take(3), epochs=2, verbose=0)
    assert sorted(history.history) == ["d_loss", "g_loss"]
    assert all(np.isfinite(history.history["d_loss"]))
    assert gan.d_optimizer.iterations.numpy() == 6
    assert gan.g_optimizer.iterations.numpy() == 6
    for before, after in zip(
        d_before + g_before, discriminator.get_weights() + generator.get_weights()
    ):
        assert not np.allclose(before, after)
