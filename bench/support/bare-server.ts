/** The cold-start baseline: a bare express app with one route, started the way the gateway is (tsx). */
import express from 'express';

const app = express();
app.get('/health/ready', (_req, res) => void res.json({ status: 'pass' }));
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ message: 'edgepay started', url: `http://127.0.0.1:${port}` }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
