// ml-logistic-regression ships no types; this declares the part AlphaPulse uses.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface TwoClassModelJson {
    numSteps: number;
    learningRate: number;
    weights: Matrix | number[][];
  }

  export interface LogisticRegressionJson {
    name: 'LogisticRegression';
    numSteps: number;
    learningRate: number;
    numberClasses: number;
    classifiers: TwoClassModelJson[];
  }

  interface TwoClassClassifier {
    weights: Matrix;
    testScores(features: Matrix): number[];
    toJSON(): TwoClassModelJson;
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    numberClasses: number;
    classifiers: TwoClassClassifier[];
    train(X: Matrix, Y: Matrix): void;
    predict(X: Matrix): number[];
    toJSON(): LogisticRegressionJson;
    static load(model: LogisticRegressionJson): LogisticRegression;
  }
}
