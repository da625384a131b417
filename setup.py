"""Build script for the optional compiled extension; all other metadata is in setup.cfg."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        # optional: without a C compiler padcheck installs anyway and uses its numpy path
        Extension("padcheck._speedups", ["padcheck/_speedups.c"], optional=True, extra_compile_args=["-O2"]),
    ],
)
