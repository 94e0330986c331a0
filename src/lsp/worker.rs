//! The analysis thread: one [`Session`] per workspace folder, fed with the buffers' texts,
//! answering with the files whose findings changed.
//!
//! Edits are debounced: after a change, the worker waits until no message has come for the
//! debounce time, taking every change that comes meanwhile, then analyses once. A result
//! carries the version of each open buffer it was computed from; the main thread drops it
//! when the buffer has changed since, and the worker always returns again the files whose
//! text it was given, so the newer version is shown in turn.

use crate::cache;
use crate::cli::Args;
use crate::config;
use crate::discover::{self, Plan};
use crate::driver::{session, FileFindings, Session};
use crate::error::Error;
use crate::isolate;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_types::MessageType;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the main thread tells the worker.
#[derive(Debug)]
pub enum Job {
    Open {
        path: PathBuf,
        text: Arc<str>,
        version: i32,
    },
    Change {
        path: PathBuf,
        text: Arc<str>,
        version: i32,
    },
    Close {
        path: PathBuf,
    },
    Saved {
        path: PathBuf,
    },
    /// A file changed, was created or deleted on disk (`workspace/didChangeWatchedFiles`).
    Watched {
        path: PathBuf,
        created_or_deleted: bool,
    },
}

/// What the worker tells the main thread.
#[derive(Debug)]
pub enum Output {
    Findings {
        /// Where the paths of chain notes are shown from.
        base: PathBuf,
        files: Vec<Published>,
    },
    Log(MessageType, String),
}

#[derive(Debug)]
pub struct Published {
    pub findings: FileFindings,
    /// The version of the buffer the findings were computed from, for an open file.
    pub version: Option<i32>,
}

/// How the server analyses: the command line's flags (`--lsp` and those given with it, then
/// the client's `initializationOptions.args`), and the debounce time.
pub struct Options {
    pub args: Args,
    pub debounce: Duration,
}

struct Folder {
    root: PathBuf,
    session: Option<Session>,
    /// Discover and run the plan in full again (at start, after a manifest, configuration or
    /// module file changed, after a failure).
    rediscover: bool,
    /// Files opened since the last analysis: their crates are made hot.
    prepare: Vec<PathBuf>,
    /// A buffer was closed: crates no open file needs are let go.
    retain: bool,
    /// Texts changed since the last analysis.
    changed: bool,
    /// Saved files no crate reaches that made the folder be discovered again: once each.
    tried: std::collections::HashSet<PathBuf>,
}

pub struct Worker {
    options: Options,
    folders: Vec<Folder>,
    /// Open buffers, by [`session::key`]: the path as the client named it, the text and its
    /// version.
    open: HashMap<PathBuf, (PathBuf, Arc<str>, i32)>,
    pool: rayon::ThreadPool,
    out: Sender<Output>,
}

impl Worker {
    pub fn new(
        options: Options,
        roots: Vec<PathBuf>,
        out: Sender<Output>,
    ) -> Result<Worker, Error> {
        let jobs = options.args.jobs.map_or(0, |jobs| jobs.get());
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .stack_size(crate::WORKER_STACK_SIZE)
            .thread_name(|index| format!("appstract-lint-{index}"))
            .build()
            .map_err(|err| Error::new(format!("cannot start worker threads: {err}")))?;
        let mut folders: Vec<Folder> = roots
            .into_iter()
            .map(|root| Folder {
                root: session::key(&root),
                session: None,
                rediscover: true,
                prepare: Vec::new(),
                retain: false,
                changed: false,
                tried: std::collections::HashSet::new(),
            })
            .collect();
        // The innermost folder first, so that a file goes to the innermost one holding it.
        folders.sort_by_key(|folder| std::cmp::Reverse(folder.root.components().count()));
        Ok(Worker {
            options,
            folders,
            open: HashMap::new(),
            pool,
            out,
        })
    }

    /// Runs until the main thread lets the job channel go.
    pub fn run(mut self, jobs: Receiver<Job>) {
        self.process();
        while let Ok(job) = jobs.recv() {
            self.apply(job);
            loop {
                match jobs.recv_timeout(self.options.debounce) {
                    Ok(job) => self.apply(job),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            self.process();
        }
    }

    fn folder_of(&mut self, path: &Path) -> Option<&mut Folder> {
        let key = session::key(path);
        self.folders
            .iter_mut()
            .find(|folder| key.starts_with(&folder.root))
    }

    /// A buffer's text stands for its file; an opened one's crates are made hot.
    fn set_buffer(&mut self, path: PathBuf, text: Arc<str>, version: i32, opened: bool) {
        self.open
            .insert(session::key(&path), (path.clone(), text.clone(), version));
        if let Some(folder) = self.folder_of(&path) {
            if let Some(session) = &mut folder.session {
                session.set_text(&path, Some(text));
            }
            if opened {
                folder.prepare.push(path);
            }
            folder.changed = true;
        }
    }

    fn apply(&mut self, job: Job) {
        match job {
            Job::Open {
                path,
                text,
                version,
            } => self.set_buffer(path, text, version, true),
            Job::Change {
                path,
                text,
                version,
            } => self.set_buffer(path, text, version, false),
            Job::Close { path } => {
                self.open.remove(&session::key(&path));
                if let Some(folder) = self.folder_of(&path) {
                    if let Some(session) = &mut folder.session {
                        session.set_text(&path, None);
                    }
                    folder.retain = true;
                    folder.changed = true;
                }
            }
            Job::Saved { path } => {
                let structural = shapes_the_plan(&path);
                if let Some(folder) = self.folder_of(&path) {
                    // A new module file, when the client does not report created files.
                    let unknown = path.extension().is_some_and(|ext| ext == "rs")
                        && folder
                            .session
                            .as_ref()
                            .is_some_and(|session| !session.knows(&path))
                        && folder.tried.insert(session::key(&path));
                    if structural || unknown {
                        folder.rediscover = true;
                    }
                }
            }
            Job::Watched {
                path,
                created_or_deleted,
            } => {
                let structural = shapes_the_plan(&path)
                    || (created_or_deleted && path.extension().is_some_and(|ext| ext == "rs"));
                let is_open = self.open.contains_key(&session::key(&path));
                if let Some(folder) = self.folder_of(&path) {
                    if structural {
                        folder.rediscover = true;
                    } else if !is_open && path.extension().is_some_and(|ext| ext == "rs") {
                        if let Some(session) = &mut folder.session {
                            session.touch(&path);
                        }
                        folder.changed = true;
                    }
                }
            }
        }
    }

    /// Analyses what changed in each folder and sends the files whose findings changed.
    fn process(&mut self) {
        for index in 0..self.folders.len() {
            let started = Instant::now();
            let open: Vec<(PathBuf, Arc<str>)> = {
                let root = &self.folders[index].root;
                self.open
                    .iter()
                    .filter(|(key, _)| key.starts_with(root))
                    .map(|(_, (path, text, _))| (path.clone(), text.clone()))
                    .collect()
            };
            let options = &self.options;
            let folder = &mut self.folders[index];
            if !(folder.rediscover || folder.changed || !folder.prepare.is_empty()) {
                continue;
            }
            let full = folder.rediscover;
            let outcome = self.pool.install(|| {
                isolate::catch(|| analyse(folder, options, &open)).unwrap_or_else(|panic| {
                    folder.session = None;
                    folder.rediscover = true;
                    Err(Error::new(format!(
                        "the analysis of `{}` failed: {panic}; {}",
                        folder.root.display(),
                        isolate::REPORT_IT
                    )))
                })
            });
            let (base, files) = match outcome {
                Ok(found) => found,
                Err(err) => {
                    let mut message = err.message;
                    if let Some(help) = err.help {
                        message = format!("{message} ({help})");
                    }
                    let _ = self.out.send(Output::Log(MessageType::ERROR, message));
                    continue;
                }
            };
            let files = files
                .into_iter()
                .map(|findings| Published {
                    version: self
                        .open
                        .get(&session::key(&findings.path))
                        .map(|(_, _, version)| *version),
                    findings,
                })
                .collect();
            if self.out.send(Output::Findings { base, files }).is_err() {
                return;
            }
            if full {
                // After the findings: a client reading this has them all.
                let _ = self.out.send(Output::Log(
                    MessageType::INFO,
                    format!(
                        "linted `{}` in {:.2?}",
                        self.folders[index].root.display(),
                        started.elapsed()
                    ),
                ));
            }
        }
    }
}

/// A file whose change can change which crates and files there are, or their configuration.
fn shapes_the_plan(path: &Path) -> bool {
    path.file_name().is_some_and(|name| {
        name == "Cargo.toml" || config::FILE_NAMES.iter().any(|config| name == *config)
    })
}

/// One folder's turn: a full run when it must be discovered again, else the changes.
fn analyse(
    folder: &mut Folder,
    options: &Options,
    open: &[(PathBuf, Arc<str>)],
) -> Result<(PathBuf, Vec<FileFindings>), Error> {
    let mut out = Vec::new();
    if folder.rediscover {
        // Until a manifest or configuration changes again: a broken one is reported once.
        folder.rediscover = false;
        let (plan, cache) = discover_folder(&folder.root, &options.args)?;
        folder.prepare.clear();
        let findings = match folder.session.take() {
            Some(mut session) => {
                for (path, text) in open {
                    session.set_text(path, Some(text.clone()));
                }
                let findings = session.restart(plan);
                folder.session = Some(session);
                findings
            }
            None => {
                let texts = open.iter().cloned().collect();
                let prefilter = !options.args.no_prefilter;
                let (session, findings) = Session::start(plan, cache, prefilter, texts);
                folder.session = Some(session);
                // Files without findings are not sent at start: nothing is shown for them.
                findings
                    .into_iter()
                    .filter(|file| !file.findings.is_empty())
                    .collect()
            }
        };
        out.extend(findings);
        folder.prepare = open.iter().map(|(path, _)| path.clone()).collect();
    }
    let Some(session) = &mut folder.session else {
        return Ok((folder.root.clone(), out));
    };
    for path in std::mem::take(&mut folder.prepare) {
        out.extend(session.prepare(&path));
    }
    out.extend(session.update());
    if std::mem::take(&mut folder.retain) {
        let paths: Vec<PathBuf> = open.iter().map(|(path, _)| path.clone()).collect();
        session.retain(&paths);
    }
    folder.changed = false;
    Ok((session.plan().base.clone(), out))
}

/// The plan and cache for a folder, made as the command line makes them when run there:
/// its cargo project (with the package selection flags), or its files when it is in none.
pub fn discover_folder(root: &Path, args: &Args) -> Result<(Plan, Option<cache::Cache>), Error> {
    let cli = config::CliLevels::parse(&args.levels)?;
    let mut finder = config::Finder::new(root, args.config.as_deref(), cli)?;
    let in_cargo_project =
        args.manifest_path.is_some() || crate::paths::workspace_root(root).is_some();
    let mut plan = if in_cargo_project {
        discover::cargo_project(root, &crate::project_selection(args), &mut finder)?
    } else {
        let store = crate::summary_store_dir(args);
        let dependencies = discover::DependencyOptions {
            enabled: !args.no_deps,
            cache: store.as_deref(),
        };
        discover::paths(root, &[root.to_path_buf()], &mut finder, dependencies)?
    };
    plan.base = crate::display_base(root, args.manifest_path.as_deref(), &plan);
    let cache = match (&args.cache_dir, args.no_cache) {
        (_, true) => None,
        (Some(dir), false) => cache::Cache::new(crate::paths::absolute(root, dir)),
        (None, false) => cache::default_dir(root).and_then(cache::Cache::new),
    };
    Ok((plan, cache))
}
