// cluster-key-slot ships no types: Redis Cluster's CRC16 slot of a key (its hash tag honoured).
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
