//! Defaults of optional body fields that are not the type's own default.

/// A flag that is on unless the body turns it off.
pub(super) fn yes() -> bool {
    true
}
