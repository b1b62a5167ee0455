package io.h2relay.client;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One request and its response on a connection (or a pushed response): what the caller's futures and readers
 * share with the connection actor. Fields without a note belong to the actor's thread.
 */
final class Exchange {

    /** Null for a pushed response. */
    final Request request;
    /** Completed off the actor's thread (through the client's executor). */
    final CompletableFuture<Response> response = new CompletableFuture<>();
    final BodyBuffer body;
    final ActorRef<ConnectionActor.Command> actor;
    /** Set for a pushed response: its promise. */
    PushPromise promise;

    /** Any thread: promises received on this request's stream, in order. */
    final List<PushPromise> pushes = new CopyOnWriteArrayList<>();
    /** Completed once this request's stream is over and no more promises can come (hyper's capture_all). */
    final CompletableFuture<List<PushPromise>> allPushes = new CompletableFuture<>();

    int streamId = -1;
    /** The response head went to the caller (its future is being completed): later failures go to the body. */
    boolean responseDelivered;
    WindowManager streamWindow;
    UploadSource upload;
    boolean uploadRequested;
    boolean uploadDone;
    final List<Response.Informational> informational = new ArrayList<>(0);

    Exchange(Request request, ActorRef<ConnectionActor.Command> actor, Executor executor) {
        this.request = request;
        this.actor = actor;
        this.body = new BodyBuffer(bytes -> actor.tell(new ConnectionActor.Consumed(this, bytes)), executor);
    }

    /** Any thread: asks the actor to reset the stream (or drop the request if it has not started). */
    void cancel() {
        actor.tell(new ConnectionActor.Cancel(this));
    }

    @Override
    public String toString() {
        return "Exchange[stream " + streamId + ", " + (request != null ? request.method() + " " + request.path()
                : "pushed " + (promise != null ? promise.path() : "?")) + "]";
    }
}
