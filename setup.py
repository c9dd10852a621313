"""Installer for the collective.psc package."""

from pathlib import Path
from setuptools import find_namespace_packages
from setuptools import setup


HERE = Path(__file__).parent
long_description = "\n\n".join(
    [
        (HERE / "README.rst").read_text(encoding="utf-8"),
        (HERE / "CHANGES.rst").read_text(encoding="utf-8"),
    ]
)

setup(
    name="collective.psc",
    version="1.0.0a1.dev0",
    description="A Plone 6 software center that is a real Python package index.",
    long_description=long_description,
    long_description_content_type="text/x-rst",
    classifiers=[
        "Development Status :: 3 - Alpha",
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Addon",
        "Framework :: Zope",
        "Intended Audience :: System Administrators",
        "License :: OSI Approved :: GNU General Public License v2 (GPLv2)",
        "Operating System :: POSIX :: Linux",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3 :: Only",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
        "Topic :: Software Development :: Build Tools",
        "Topic :: System :: Software Distribution",
    ],
    keywords="Plone PyPI package index software center twine pip",
    author="collective.psc developers",
    url="https://github.com/collective/collective.psc",
    license="GPL-2.0-only",
    packages=find_namespace_packages("src", include=["collective.*"]),
    package_dir={"": "src"},
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=[
        "Plone>=6.2,<6.3",
        "Products.CMFPlone>=6.2",
        "plone.api>=2.0",
        "plone.app.contenttypes",
        "plone.app.dexterity",
        "plone.app.registry",
        "plone.dexterity",
        "plone.distribution",
        "plone.supermodel",
        "plone.namedfile",
        "plone.restapi",
        "Products.GenericSetup",
        "Zope",
        "ZODB",
        "BTrees",
        "transaction",
        "zope.interface",
        "zope.schema",
        "zope.component",
        "packaging>=24.2",
        "Paste",
        "readme_renderer[md]",
        "tqdm",
        "trove-classifiers",
        "waitress",
    ],
    extras_require={
        "test": [
            "feedparser",
            "i18ndude",
            "playwright",
            "plone.app.testing",
            "plone.testing",
            "pytest",
            "pytest-plone",
            "ruff",
            "twine",
            "uv",
            "zc.buildout",
        ],
    },
    entry_points={
        "z3c.autoinclude.plugin": ["target = plone"],
        "console_scripts": ["psc = collective.psc.commands.main:main"],
    },
)
