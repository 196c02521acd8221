//! The pure domain of zhuqi (助企通): value types that cannot hold bad values, the working-day calendar, the 13710
//! deadline rule with its escalation ladder, the appeal state machine of SPEC §3, the statistics of §6 and the key
//! projects of §7.
//!
//! Nothing here does I/O, async or SQL: every function is a pure function of its inputs, so the rules that cadres are
//! assessed by can be tested exhaustively and replayed from history.

pub mod appeal;
pub mod calendar;
pub mod catalog;
pub mod deadline;
pub mod dispute;
pub mod kind;
pub mod policy;
pub mod project;
pub mod role;
pub mod stats;
pub mod time;
pub mod values;

pub use appeal::{
    AUTO_CLOSE_AFTER, Action, ActionKind, Actor, Appeal, Channel, Event, Level, Outlook, Overdue, Status,
    TransitionError,
};
pub use calendar::{CalendarError, CalendarYear, WorkingCalendar};
pub use deadline::{
    Clock, DeadlinePolicy, Deadlines, EscalationKind, EscalationLadder, EscalationStep, Light, Milestone, Trigger,
};
pub use kind::Kind;
pub use role::{Role, check_roles};
pub use values::*;
