"""The plugin's names resolve through lamina's registry, as the catalogue says."""

import lamina
import lamina_attention
from lamina.plugins import KNOWN_PROVIDERS, get
from lamina_attention import layers as attention_layers


def test_layers_resolve_to_the_plugin():
    for name in attention_layers.__all__:
        assert getattr(lamina.layers, name) is getattr(attention_layers, name)
        assert get("layers", name) is getattr(attention_layers, name)


def test_catalogue_lists_exactly_the_registered_layers():
    listed = {n for n, d in KNOWN_PROVIDERS["layers"].items() if d == "lamina-layers-attention"}
    assert listed == set(attention_layers.__all__)


def test_plugin_is_reported_loaded():
    get("layers", "MultiHeadAttention")
    reports = {p.distribution: p for p in lamina.plugins.plugin_report()}
    info = reports["lamina-layers-attention"]
    assert info.version == lamina_attention.__version__
    main_names = {getattr(attention_layers, n).__name__ for n in attention_layers.__all__}
    assert main_names <= set(info.provides["layers"])  # aliases are not listed
