"""Mirror a center into a static tree that Apache or nginx serves."""
