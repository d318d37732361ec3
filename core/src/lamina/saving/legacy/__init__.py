"""Legacy Keras 2 `.h5` files (whole models and weights), as Keras 3 reads and writes them.

`lamina.saving.save_model`/`load_model`/`load_weights` dispatch `.h5`/`.hdf5` paths to
`legacy_h5_format`; h5py is imported only when a file is read or written.
"""
