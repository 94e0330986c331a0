//! Receiver provenance: the type of a value as far as syntax can tell, without a type checker.

use super::{BindingId, Res};

/// The runtime flavor a future runs on, or a runtime was built with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    Unknown,
    CurrentThread,
    MultiThread,
    /// A `LocalSet`, `LocalRuntime` or `flavor = "local"`: current-thread with local tasks.
    Local,
}

impl Flavor {
    /// `block_in_place` panics here.
    pub fn is_current_thread(self) -> bool {
        matches!(self, Flavor::CurrentThread | Flavor::Local)
    }
}

/// A known type: a watched library type by canonical path, or a type of the crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// A watched type such as `tokio::runtime::Runtime`, with what is known of its runtime.
    Lib {
        path: &'static str,
        flavor: Flavor,
        /// For runtime builders and runtimes built from them: `enable_time`/`enable_all` seen.
        time: bool,
        /// `enable_io`/`enable_all` seen.
        io: bool,
    },
    /// A struct or enum of the crate being linted, by canonical path.
    Crate(String),
    /// A tuple of known parts, from a constructor such as `mpsc::channel`.
    Tuple(Vec<Option<Ty>>),
}

impl Ty {
    pub fn lib(path: &'static str) -> Ty {
        Ty::Lib {
            path,
            flavor: Flavor::Unknown,
            time: true,
            io: true,
        }
    }

    pub fn lib_path(&self) -> Option<&'static str> {
        match self {
            Ty::Lib { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn is(&self, want: &str) -> bool {
        self.lib_path() == Some(want)
    }

    pub fn flavor(&self) -> Flavor {
        match self {
            Ty::Lib { flavor, .. } => *flavor,
            _ => Flavor::Unknown,
        }
    }
}

/// Where a value's type comes from; resolved against the crate index when rules ask.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Prov {
    #[default]
    Unknown,
    Known(Ty),
    /// The value of a local binding.
    Local(BindingId),
    /// `base.field`.
    Field(Box<Prov>, String),
    /// The return value of a crate fn (by resolution of its path).
    Ret(Res),
    /// The return value of method `name` called on `receiver` (a crate method).
    MethodRet(Box<Prov>, String),
    /// The value of a crate `static`, by resolution of its path.
    Static(Res),
    /// Element `n` of a tuple.
    TupleField(Box<Prov>, usize),
}

impl Prov {
    pub fn known(ty: Ty) -> Prov {
        Prov::Known(ty)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Prov::Unknown)
    }
}
