import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// Open-loop HTTP load at a fixed rate, as wrk2 does: requests go out on a schedule that does
/// not wait for answers, and each latency is measured from the moment the request was due,
/// so a server that falls behind cannot hide its queue (no coordinated omission). One event
/// loop, keep-alive connections; a request due while every connection is busy waits in line
/// and its wait counts.
struct PacedLoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paced",
        abstract: "Open-loop HTTP load at a fixed rate; prints throughput and latency percentiles (ms) from each request's due time."
    )

    @Option(help: "Target URL (http://host:port/path).") var url: String
    @Option(help: "Requests per second.") var rate = 1000.0
    @Option(help: "Seconds measured, after the warm-up.") var seconds = 20.0
    @Option(help: "Seconds of warm-up, not measured.") var warmup = 3.0
    @Option(help: "A request header, 'Name: value' (repeatable).") var header: [String] = []
    @Option(help: "JSON Lines file: POST each line in turn (GET without it).") var bodyFile: String?
    @Option(help: "Keep-alive connections.") var connections = 32

    func run() async throws {
        guard let target = URL(string: url), let host = target.host, let port = target.port else {
            throw ValidationError("--url must look like http://127.0.0.1:8098/path")
        }
        let bodies: [ByteBuffer?] =
            try bodyFile.map { file in
                try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.isEmpty }.map { ByteBuffer(string: String($0)) }
            } ?? [nil]
        guard !bodies.isEmpty else { throw ValidationError("the body file has no lines") }
        var headers = HTTPHeaders([("Host", "\(host):\(port)")])
        for line in header {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { throw ValidationError("--header must be 'Name: value'") }
            headers.add(name: String(parts[0]), value: parts[1].trimmingCharacters(in: .whitespaces))
        }
        let path = target.path + (target.query.map { "?\($0)" } ?? "")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let driver = LoadDriver(
            loop: loop, rate: rate, total: Int((warmup + seconds) * rate), measuredFrom: Int(warmup * rate),
            path: path, headers: headers, bodies: bodies)
        for _ in 0..<connections {
            let channel = try await ClientBootstrap(group: group)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.pipeline.addHTTPClientHandlers().flatMap { channel.pipeline.addHandler(ResponseTimer(driver: driver)) }
                }
                .connect(host: host, port: port).get()
            driver.connected(channel)
        }
        let result = try await driver.start().get()
        try await group.shutdownGracefully()
        let sorted = result.latencies.sorted()
        guard !sorted.isEmpty else { throw ValidationError("no request was measured") }
        func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(p / 100 * Double(sorted.count)))] * 1000 }
        report(
            String(
                format: "requests: %d in %.1f s (%.0f/s at a target of %.0f/s), non-2xx: %d",
                sorted.count, result.seconds, Double(sorted.count) / result.seconds, rate, result.failures))
        report(
            String(
                format: "latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f",
                percentile(50), percentile(90), percentile(99), percentile(99.9), (sorted.last ?? 0) * 1000))
    }
}

/// Schedules requests and records latencies. Every use of its state runs on its one event
/// loop (the channels share that loop), which is why it may be `@unchecked Sendable`.
final class LoadDriver: @unchecked Sendable {
    struct Result {
        var latencies: [Double]
        var failures: Int
        var seconds: Double
    }

    private let loop: any EventLoop
    private let interval: TimeAmount
    private let total: Int
    private let measuredFrom: Int
    private let path: String
    private let headers: HTTPHeaders
    private let bodies: [ByteBuffer?]
    private var idle: [any Channel] = []
    private var waiting: [(index: Int, due: NIODeadline)] = []
    private var inFlight: [ObjectIdentifier: (index: Int, due: NIODeadline)] = [:]
    private var sent = 0, finished = 0
    private var latencies: [Double] = []
    private var failures = 0
    private var origin = NIODeadline.now()
    private var promise: EventLoopPromise<Result>?

    init(loop: any EventLoop, rate: Double, total: Int, measuredFrom: Int, path: String, headers: HTTPHeaders, bodies: [ByteBuffer?]) {
        self.loop = loop
        interval = .nanoseconds(Int64(1e9 / rate))
        self.total = total
        self.measuredFrom = measuredFrom
        self.path = path
        self.headers = headers
        self.bodies = bodies
        latencies.reserveCapacity(total)
    }

    func connected(_ channel: any Channel) {
        loop.execute { self.idle.append(channel) }
    }

    func start() -> EventLoopFuture<Result> {
        let promise = loop.makePromise(of: Result.self)
        loop.execute {
            self.promise = promise
            self.origin = .now() + .milliseconds(100)
            self.scheduleNext()
        }
        return promise.futureResult
    }

    private func scheduleNext() {
        guard sent < total else { return }
        let index = sent
        let due = origin + interval * Int64(index)
        sent += 1
        loop.scheduleTask(deadline: due) {
            self.waiting.append((index, due))
            self.dispatch()
            self.scheduleNext()
        }
    }

    private func dispatch() {
        while !waiting.isEmpty, let channel = idle.popLast() {
            let request = waiting.removeFirst()
            inFlight[ObjectIdentifier(channel)] = request
            let body = bodies[request.index % bodies.count]
            var head = HTTPRequestHead(version: .http1_1, method: body == nil ? .GET : .POST, uri: path, headers: headers)
            if let body {
                head.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
                head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
            }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            if let body { channel.write(HTTPClientRequestPart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        }
    }

    /// A response on `channel` ended with `status`.
    func finished(_ channel: any Channel, status: HTTPResponseStatus) {
        guard let request = inFlight.removeValue(forKey: ObjectIdentifier(channel)) else { return }
        if request.index >= measuredFrom {
            latencies.append(Double((NIODeadline.now() - request.due).nanoseconds) / 1e9)
            if !(200..<300).contains(Int(status.code)) { failures += 1 }
        }
        finished += 1
        idle.append(channel)
        dispatch()
        if finished == total {
            let measuredStart = origin + interval * Int64(measuredFrom)
            promise?.succeed(
                Result(
                    latencies: latencies, failures: failures,
                    seconds: Double((NIODeadline.now() - measuredStart).nanoseconds) / 1e9))
        }
    }
}

/// Notes when each response ends.
final class ResponseTimer: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart
    private let driver: LoadDriver
    private var status: HTTPResponseStatus = .ok

    init(driver: LoadDriver) {
        self.driver = driver
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = head.status
        case .body: break
        case .end: driver.finished(context.channel, status: status)
        }
    }
}
