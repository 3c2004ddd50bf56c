import Foundation
import JournalLog
import Synchronization
import XCTest
#if canImport(Glibc)
import Glibc
#endif

final class LineWriterTests: XCTestCase {
    /// Lines longer than the pipe holds, from several threads at once: the kernel must split
    /// such a write, and another thread's write lands in the gap unless the writer's lock
    /// keeps it out.
    func testLinesFromManyThreadsArriveWhole() throws {
        var ends: [Int32] = [-1, -1]
        XCTAssertEqual(pipe(&ends), 0)
        let (readEnd, writeEnd) = (ends[0], ends[1])
        defer { close(readEnd) }

        let received = ReceivedBytes()
        let drained = DispatchSemaphore(value: 0)
        let reader = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                received.append(buffer[0..<count])
            }
            drained.signal()
        }
        reader.start()

        let writer = LineWriter(fileDescriptor: writeEnd)
        let threads = 4, linesPerThread = 4, lineLength = 200_000
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let letter = Character(UnicodeScalar(UInt8(ascii: "A") + UInt8(thread)))
            let line = String(repeating: letter, count: lineLength) + "\n"
            for _ in 0..<linesPerThread { writer.write(line) }
        }
        close(writeEnd)
        drained.wait()

        let text = received.text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertEqual(lines.count, threads * linesPerThread)
        for line in lines {
            XCTAssertEqual(line.count, lineLength)
            XCTAssertEqual(Set(line).count, 1, "a line was interleaved with another")
        }
        XCTAssertTrue(text.hasSuffix("\n"))
    }
}

/// What the reader thread took from the pipe so far.
private final class ReceivedBytes: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }

    func append(_ chunk: ArraySlice<UInt8>) {
        bytes.withLock { $0.append(contentsOf: chunk) }
    }
}
