"""Type aliases that name the Zope and Plone types once."""

from collective.psc.content.center import SoftwareCenter
from collective.psc.content.distribution import DistributionFile
from collective.psc.content.project import Project as ProjectContent
from collective.psc.content.release import Release as ReleaseContent
from typing import TypeAlias


Center: TypeAlias = SoftwareCenter
Project: TypeAlias = ProjectContent
Release: TypeAlias = ReleaseContent
Distribution: TypeAlias = DistributionFile
