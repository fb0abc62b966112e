//! What a call did: repeating a change that is already in effect is not an
//! error, so scripts can rerun.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Done,
    AlreadySo,
}
