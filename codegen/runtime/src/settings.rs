//! What the generator knows about the crate that embeds this runtime. The generator writes this
//! file anew for every crate; the values here are the `vsphere-runtime` crate's own.

/// Whether the crate's specs hold operations of the `/api` surface. A crate generated only from
/// `/rest` specs logs in on `/rest` whatever the mode.
pub(super) const HAS_API_SURFACE: bool = true;
