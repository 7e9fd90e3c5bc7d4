//! Webhooks on the wire: Standard Webhooks signatures, and the outbound POST that refuses to
//! reach anything but the public internet.

pub mod signing;
pub mod target;
