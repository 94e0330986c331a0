// Spawned tasks whose handles are dropped (an allow-by-default lint).

async fn refresh() {}

async fn fire_and_forget() {
    tokio::spawn(refresh()); //~ detached_spawn
    let _ = tokio::spawn(refresh()); //~ detached_spawn
}

fn on_runtime(rt: &tokio::runtime::Runtime) {
    rt.spawn(refresh()); //~ detached_spawn
    let _unused = rt.handle().spawn(refresh()); //~ detached_spawn
}

// Correct: awaited.
async fn awaited() {
    tokio::spawn(refresh()).await.unwrap();
}

// Correct: kept.
async fn kept() -> tokio::task::JoinHandle<()> {
    tokio::spawn(refresh())
}

// Correct: collected.
async fn collected() {
    let mut handles = Vec::new();
    handles.push(tokio::spawn(refresh()));
    for handle in handles {
        handle.await.unwrap();
    }
}

// Correct: an explicit detach.
async fn explicit() {
    drop(tokio::spawn(refresh()));
}
