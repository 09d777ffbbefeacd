"""One content class per report notebook (named like the notebook) on one base class, and the registry that
lists them; run planning, the floor and the portal derive from the registry."""
