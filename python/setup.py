# The extension slant, linked with the tree's libslant.a (run `make` in the
# tree first).  The library is linked statically, so that the module does
# not depend on the tree's build folder staying where it is once pip has
# copied the module into site-packages; its own dependencies (OpenBLAS,
# libsvm, jansson, ...) come from the Makefile's LDLIBS, so the two cannot
# disagree.  SLANT_ROOT names another tree.
import os
import shlex
import subprocess

from setuptools import Extension, setup

here = os.path.dirname(os.path.abspath(__file__))
root = os.environ.get("SLANT_ROOT", os.path.dirname(here))
lib = os.path.join(root, "build", "release", "lib", "libslant.a")
if not os.path.exists(lib):
    raise SystemExit(f"slant: {lib} is missing: run `make` in {root} first")
ldlibs = subprocess.run(["make", "--no-print-directory", "-s", "-C", root, "print-ldlibs"],
                        check=True, capture_output=True, text=True).stdout

setup(
    ext_modules=[
        Extension(
            "slant",
            sources=[os.path.join("src", f) for f in ("slantmodule.c", "model.c", "texts.c")],
            include_dirs=[os.path.join(root, "include")],
            extra_compile_args=["-std=c11", "-D_DEFAULT_SOURCE", "-Wall", "-Wextra", "-Wshadow"],
            extra_objects=[lib],
            extra_link_args=shlex.split(ldlibs),
            depends=[os.path.join("src", "pyslant.h"), os.path.join(root, "include", "slant.h")],
        )
    ]
)
