"""Permission names of collective.psc, as declared in permissions.zcml."""

AddSoftwareCenter = "collective.psc: Add Software Center"
AddProject = "collective.psc: Add Project"
UploadDistribution = "collective.psc: Upload Distribution"
ManageReleases = "collective.psc: Manage Releases"
ManageMaintainers = "collective.psc: Manage Maintainers"
RegisterProjectNames = "collective.psc: Register Project Names"
WritePackagingFields = "collective.psc: Write Packaging Fields"
# The id of WritePackagingFields, as field write permissions and FTIs name it.
WRITE_PACKAGING_FIELDS_ID = "collective.psc.WritePackagingFields"
# Zope's own permission of site managers.
ManagePortal = "Manage portal"
