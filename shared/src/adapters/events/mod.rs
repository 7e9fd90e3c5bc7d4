//! Order events out of the table's stream: the stream's records read as order changes and
//! rendered as envelopes (`stream`), and the EventBridge bus they are put on (`bus`).

pub mod bus;
pub mod stream;
