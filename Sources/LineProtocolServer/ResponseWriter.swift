import JSON
import LineProtocolCodec
import Logging
import NIOCore

/// The writing half of a connection session: writes each slot's response in order, waiting
/// for a pending one to be computed, and releases one pipeline permit per slot. Each write is
/// awaited until the kernel took it, so nothing is lost when the session closes afterwards.
/// After a failed write (the peer went away) it keeps draining slots without writing, so the
/// reader is never left waiting for permits.
struct ResponseWriter: Sendable {
    let channel: any Channel
    let environment: SessionEnvironment
    let window: PipelineWindow
    let logger: Logger

    func run(_ slots: AsyncStream<ResponseSlot>) async {
        var broken = false
        for await slot in slots {
            switch slot {
            case .ready(let response):
                broken = await write(response.line, broken: broken)
            case .pending(let future, let id, let requestsStop):
                let response = (try? await future.get())
                    ?? .failure(id: id, error: WireError(.internalError("the request's handler ended without an answer")))
                broken = await write(response.line, broken: broken)
                if requestsStop { environment.requestStop() }
            case .watch(let id, let paymentID):
                if !broken { await streamEvents(id: id, paymentID: paymentID) }
                broken = true
            }
            window.release()
        }
    }

    /// Writes and waits until written; returns whether the connection is now broken.
    private func write(_ bytes: [UInt8], broken: Bool) async -> Bool {
        guard !broken else { return true }
        do {
            try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes)).get()
            return false
        } catch {
            logger.debug("connection write failed", metadata: ["error": "\(error)"])
            channel.close(promise: nil)
            return true
        }
    }

    /// Subscribes before acknowledging (no event between ack and subscription is lost), then
    /// forwards events until the service ends the stream, the connection closes, or the
    /// watcher stops taking events for `watchWriteTimeout`. Closes the connection at the end.
    private func streamEvents(id: JSONValue, paymentID: String?) async {
        let events = await environment.dispatcher.service.events()
        guard !(await write(ProtocolResponse.success(id: id, result: ["watching": true]).line, broken: false)) else { return }
        let channel = self.channel
        let timeout = environment.watchWriteTimeout
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events {
                    if let paymentID, event.paymentID != paymentID { continue }
                    let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
                    let buffer = channel.allocator.buffer(bytes: EventLine(id: id, event: event).line)
                    let written: Bool = (try? await channel.writeAndFlush(buffer).get()) != nil
                    deadline.cancel()
                    if !written { break }
                }
            }
            group.addTask {
                try? await channel.closeFuture.get()
            }
            await group.next()
            group.cancelAll()
            channel.close(promise: nil)
        }
    }
}
