export * from './histogram';
export * from './report';
export * from './scenarios';
export * from './topology';
